'use strict';
// The editor's suggestions panel (suggestions/templates/suggestions/panel.html). It sends the
// form's current title, summary, body and tags to admin:suggestions_suggest, as the live preview
// sends the body, and lists the answer. "Add" puts a tag into the tags box, "Pin" a post into a
// new row of the pinned Relevant Discussions: the unsaved form only, until the author saves.
{
    const DELAY = 1500;  // after the last keystroke

    function csrfToken(form) {
        const input = form.querySelector('input[name=csrfmiddlewaretoken]');
        return input ? input.value : '';
    }

    function field(form, name) {
        const element = form.elements.namedItem(name);
        return element && 'value' in element ? element.value : '';
    }

    function tagsBox(form) {
        return form.querySelector('select[name=tags]');
    }

    function chosenTags(form) {
        const box = tagsBox(form);
        return box ? Array.from(box.selectedOptions).map((option) => option.value) : [];
    }

    function pinRows() {
        const group = document.getElementById('pins-group');
        return group ? Array.from(group.querySelectorAll('tr.form-row:not(.empty-form)')) : [];
    }

    function pinnedIds() {
        return pinRows()
            .filter((row) => !(row.querySelector('input[name$="-DELETE"]') || {}).checked)
            .map((row) => (row.querySelector('select[name$="-target"]') || {}).value)
            .filter(Boolean);
    }

    function choose(select, value, text) {
        let option = Array.from(select.options).find((o) => o.value === value);
        if (!option) {
            option = new Option(text, value, true, true);
            select.append(option);
        }
        option.selected = true;
        const $ = window.django && django.jQuery;
        if ($) $(select).trigger('change'); else select.dispatchEvent(new Event('change', {bubbles: true}));
    }

    function addTag(form, tag) {
        const box = tagsBox(form);
        if (!box) return false;
        choose(box, tag.value, tag.new ? `${tag.name} (new)` : tag.name);
        return true;
    }

    function addPin(post) {
        const group = document.getElementById('pins-group');
        const add = group && group.querySelector('.add-row a');
        if (!add) return false;
        add.click();  // the admin's inlines.js adds the row (and pins.js numbers it)
        const rows = pinRows();
        const row = rows[rows.length - 1];
        const select = row && row.querySelector('select[name$="-target"]');
        if (!select) return false;
        choose(select, String(post.id), post.title);
        const position = row.querySelector('input[name$="-position"]');
        if (position) position.value = rows.length;
        return true;
    }

    function item(label, reason, button) {
        const li = document.createElement('li');
        const name = document.createElement('span');
        name.className = 'suggestion-name';
        name.append(label);
        const why = document.createElement('span');
        why.className = 'suggestion-reason';
        why.textContent = reason;
        li.append(button, ' ', name, ' ', why);
        return li;
    }

    // The accessible name starts with the visible word ("Add tag referrals", "Pinned “…”").
    function finish(element, done, what) {
        element.disabled = true;
        element.textContent = done;
        element.setAttribute('aria-label', `${done} ${what}`);
    }

    function button(text, what, done, action) {
        const element = document.createElement('button');
        element.type = 'button';
        element.className = 'button suggestion-add';
        element.textContent = text;
        element.setAttribute('aria-label', `${text} ${what}`);
        element.addEventListener('click', () => {
            if (action()) finish(element, done, what);
        });
        return element;
    }

    function render(panel, form, result) {
        const tagList = panel.querySelector('[data-tags]');
        const postList = panel.querySelector('[data-posts]');
        tagList.replaceChildren();
        postList.replaceChildren();
        const chosen = new Set(chosenTags(form));
        for (const tag of result.tags) {
            if (chosen.has(tag.value)) continue;
            const label = tag.new ? `${tag.name} (new)` : tag.name;
            tagList.append(item(label, tag.reason, button('Add', `tag ${tag.name}`, 'Added', () => addTag(form, tag))));
        }
        const pinned = new Set(pinnedIds());
        for (const post of result.posts) {
            const link = document.createElement('a');
            link.href = post.url;
            link.target = '_blank';
            link.rel = 'noopener';
            link.textContent = post.title;
            const pin = button('Pin', `“${post.title}”`, 'Pinned', () => addPin(post));
            if (pinned.has(String(post.id))) finish(pin, 'Pinned', `“${post.title}”`);
            postList.append(item(link, post.reason, pin));
        }
        if (!tagList.children.length) tagList.innerHTML = '<li class="suggestion-none">No tag to suggest yet.</li>';
        if (!postList.children.length) postList.innerHTML = '<li class="suggestion-none">No similar public post yet.</li>';
    }

    function start(panel) {
        const form = panel.closest('form');
        if (!form) return;
        const status = panel.querySelector('[data-status]');
        let timer = null, sent = 0, shown = 0;
        const refresh = () => {
            timer = null;
            const number = ++sent;
            const data = new FormData();
            for (const name of ['title', 'summary', 'body']) data.append(name, field(form, name));
            for (const value of chosenTags(form)) data.append('tags', value);
            if (panel.dataset.post) data.append('post', panel.dataset.post);
            panel.setAttribute('aria-busy', 'true');
            fetch(panel.dataset.url, {
                method: 'POST', body: data, credentials: 'same-origin',
                headers: {'X-CSRFToken': csrfToken(form), 'X-Requested-With': 'XMLHttpRequest'}
            })
                .then((response) => response.json().catch(() => ({error: `No suggestions (HTTP ${response.status}).`})))
                .then((result) => {
                    if (number < shown) return;  // an older answer arriving late
                    shown = number;
                    status.textContent = result.error || '';
                    if (!result.error) render(panel, form, result);
                })
                .catch(() => { status.textContent = 'No suggestions: the server did not answer.'; })
                .finally(() => panel.removeAttribute('aria-busy'));
        };
        const later = () => {
            if (timer) clearTimeout(timer);
            timer = setTimeout(refresh, DELAY);
        };
        form.addEventListener('input', (event) => {
            if (['title', 'summary', 'body'].includes(event.target.name)) later();
        });
        const box = tagsBox(form);
        if (box && window.django && django.jQuery) django.jQuery(box).on('change', later);
        panel.querySelector('[data-refresh]').addEventListener('click', refresh);
        panel.hidden = false;
        refresh();
    }

    window.addEventListener('load', () => {
        const panel = document.getElementById('suggestions-panel');
        if (panel) start(panel);
    });
}
