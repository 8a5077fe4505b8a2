'use strict';
// Names for the admin's single-choice autocomplete boxes (select2), which label themselves by
// their current value only: an empty one (no cover chosen yet) has no name at all for a screen
// reader. Each box is named by its field's <label> (or the select's aria-label), then its value.
{
    let count = 0;

    function name(select) {
        const combo = select.nextElementSibling && select.nextElementSibling.querySelector('.select2-selection--single');
        if (!combo) return;
        const ids = [];
        const label = select.id && document.querySelector(`label[for="${select.id}"]`);
        if (label) {
            label.id = label.id || `${select.id}-label`;
            ids.push(label.id);
        } else if (select.getAttribute('aria-label')) {
            const text = document.createElement('span');
            text.hidden = true;
            text.id = `autocomplete-name-${++count}`;
            text.textContent = select.getAttribute('aria-label');
            combo.after(text);
            ids.push(text.id);
        }
        const value = combo.querySelector('.select2-selection__rendered');
        // The value's own box (role textbox) is named by the field too.
        if (value && ids.length) value.setAttribute('aria-labelledby', ids.join(' '));
        if (value && value.id) ids.push(value.id);
        if (ids.length) combo.setAttribute('aria-labelledby', ids.join(' '));
    }

    function nameAll(root) {
        root.querySelectorAll('select.admin-autocomplete:not([name*="__prefix__"])').forEach(name);
    }

    window.addEventListener('load', () => nameAll(document));
    document.addEventListener('formset:added', (event) => setTimeout(() => nameAll(event.target), 0));
}
