'use strict';
// Pinned Relevant Discussions (the post form's "pins" inline): drag a row to reorder; the
// Position numbers follow (1, 2, 3...). Typing the numbers works too, with or without JavaScript.
{
    function rows(tbody) {
        return Array.from(tbody.querySelectorAll('tr.form-row:not(.empty-form)'));
    }

    function renumber(tbody) {
        let position = 1;
        for (const row of rows(tbody)) {
            const input = row.querySelector('input[name$="-position"]');
            const deleted = row.querySelector('input[name$="-DELETE"]');
            if (input && !(deleted && deleted.checked)) {
                input.value = position++;
            }
        }
    }

    function makeSortable(tbody) {
        let dragged = null;
        const prepare = () => {
            for (const row of rows(tbody)) {
                if (row.draggable) continue;
                row.draggable = true;
                row.classList.add('pin-draggable');
                const handle = row.querySelector('td.original, td:first-child');
                if (handle && !handle.querySelector('.pin-handle')) {
                    const grip = document.createElement('span');
                    grip.className = 'pin-handle';
                    grip.title = 'Drag to reorder';
                    grip.setAttribute('aria-hidden', 'true');
                    grip.textContent = '⠿';
                    handle.prepend(grip);
                }
            }
        };
        prepare();
        tbody.addEventListener('dragstart', (event) => {
            dragged = event.target.closest('tr.form-row');
            if (!dragged) return;
            dragged.classList.add('pin-dragging');
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', '');
        });
        tbody.addEventListener('dragover', (event) => {
            const over = event.target.closest('tr.form-row');
            if (!dragged || !over || over === dragged || over.classList.contains('empty-form')) return;
            event.preventDefault();
            const box = over.getBoundingClientRect();
            const after = event.clientY > box.top + box.height / 2;
            over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
        });
        tbody.addEventListener('dragend', () => {
            if (dragged) dragged.classList.remove('pin-dragging');
            dragged = null;
            renumber(tbody);
        });
        document.addEventListener('formset:added', (event) => {
            if (event.detail && event.detail.formsetName === 'pins') {
                prepare();
                renumber(tbody);
            }
        });
    }

    document.addEventListener('DOMContentLoaded', () => {
        const group = document.getElementById('pins-group');
        const tbody = group && group.querySelector('tbody');
        if (tbody) makeSortable(tbody);
    });
}
