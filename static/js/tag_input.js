'use strict';
// The post's tags box (blog.admin_fields.TagsWidget): the admin's autocomplete of existing
// tags, and a name that matches none becomes a new tag with Enter (or a comma). A new tag is
// sent as "new:<name>" and created when the post is saved. Without JavaScript the box is the
// admin's plain select of the post's tags.
{
    function tagInput($, element) {
        const prefix = element.dataset.newTags;
        const $element = $(element);
        if ($element.data('select2')) {
            $element.select2('destroy');  // set up by the admin's autocomplete.js, without new tags
        }
        $element.select2({
            tags: true,
            tokenSeparators: [','],
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName
                })
            },
            createTag: (params) => {
                const name = params.term.trim().replace(/\s+/g, ' ');
                return name ? {id: prefix + name, text: name, newTag: true} : null;
            },
            templateResult: (item) => item.newTag ? `Add new tag “${item.text}”` : item.text,
            language: {noResults: () => 'Type a name and press Enter to add a new tag'}
        });
        // select2's search box has no label of its own; it keeps the select's name.
        const label = () => {
            const search = $element.next('.select2').find('.select2-search__field');
            search.attr('aria-label', element.getAttribute('aria-label') || 'Tags');
        };
        label();
        $element.on('change select2:open select2:close', label);
    }

    // After the admin's own autocomplete.js has run (script order follows Django's media merge).
    window.addEventListener('load', () => {
        const $ = window.django && django.jQuery;
        if (!$ || !$.fn.select2) return;
        $('select[data-new-tags]').each((index, element) => tagInput($, element));
    });
}
