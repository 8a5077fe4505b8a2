"""The media library: upload (a form that works without JavaScript, and the editor's JSON
endpoint), thumbnails, alt text edited in the list, search, delete (files go too)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.http import HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import processing, services
from .models import Image
from .rendering import image_html
from .uploads import SizeLimitHandler

THUMBNAIL_WIDTH = 120


def thumbnail(image, width=THUMBNAIL_WIDTH):
    """A small <img> of `image` from its narrowest rendition (no query, no storage read)."""
    return image_html(image, sizes=f"{width}px", width=width, alt="", css_class="image-thumbnail")


class ImageAddForm(forms.ModelForm):
    upload = forms.FileField(
        label="Image file",
        help_text="JPEG, PNG, WebP or GIF. Location and camera details (EXIF) are removed on upload.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = Image
        fields = ["upload", "alt"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt"].error_messages["required"] = services.ALT_REQUIRED

    def clean_alt(self):
        try:
            return services.clean_alt(self.cleaned_data.get("alt"))
        except processing.ImageRejected as error:
            raise forms.ValidationError(error.message) from None

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            self.prepared = processing.prepare(upload)
        except processing.ImageRejected as error:
            raise forms.ValidationError(error.message) from None
        return upload


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt", "original_name", "dimensions", "size", "format", "uploaded_by", "created_at"]
    list_display_links = ["thumbnail", "original_name"]
    list_editable = ["alt"]
    list_select_related = ["uploaded_by"]
    list_filter = ["format"]
    search_fields = ["alt", "original_name", "file"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview", "markdown_snippet", "stored", "uploaded_by", "created_at"]

    class Media:
        css = {"all": ["css/images-admin.css"]}

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImageAddForm
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["alt"].widget.attrs["class"] = "vTextField image-alt"
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "alt"]
        return ["preview", "alt", "markdown_snippet", "stored", "uploaded_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        upload = form.cleaned_data["upload"]
        services.store(
            form.prepared, alt=form.cleaned_data["alt"], original_name=upload.name, user=request.user, instance=obj
        )
        return None

    def response_add(self, request, obj, post_url_continue=None):
        # After an upload, its page: the Markdown to copy into a post is there.
        if IS_POPUP_VAR in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, "The image was uploaded. Copy its Markdown below into a post.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:images_image_change", args=[obj.pk]))

    @admin.display(description="Image")
    def thumbnail(self, image):
        return thumbnail(image)

    @admin.display(description="Size (pixels)")
    def dimensions(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description="File size", ordering="bytes")
    def size(self, image):
        return filesizeformat(image.bytes)

    @admin.display(description="Image")
    def preview(self, image):
        return image_html(image, sizes="(min-width: 60rem) 40rem, 90vw", css_class="image-preview")

    @admin.display(description="Markdown")
    def markdown_snippet(self, image):
        return format_html(
            '<textarea class="vLargeTextField image-markdown" rows="2" readonly aria-label="Markdown for this image">'
            '{}</textarea><div class="help image-help">Paste it into a post’s body; the alt text comes from above '
            "(save first after changing it).</div>",
            image.markdown,
        )

    @admin.display(description="Stored files")
    def stored(self, image):
        sizes = format_html_join(
            "", '<li><a href="{}">{} × {}</a></li>', ((url, w, h) for url, w, h in image.candidates)
        )
        return format_html(
            '<div class="image-stored">{} · {} · original {} × {}<ul>{}</ul></div>',
            image.format,
            filesizeformat(image.bytes),
            image.width,
            image.height,
            sizes,
        )

    # The post editor's upload endpoint ----------------------------------------------------------

    def get_urls(self):
        # csrf_exempt only so that the size-limiting handler goes in before the body is read;
        # the CSRF token is checked right after, by csrf_protect inside (Django's documented way).
        upload = self.admin_site.admin_view(csrf_exempt(self.upload_view))

        @csrf_exempt
        def endpoint(request):
            # A script gets JSON, not admin_view's redirect to the login page, when the session
            # has ended (or the user is no staff): the editor can say so and keep the text.
            if not self.admin_site.has_permission(request):
                return JsonResponse(
                    {"error": "You are not logged in to the admin any more: log in again (in another tab) and retry."},
                    status=403,
                )
            return upload(request)

        return [path("upload/", endpoint, name="images_image_upload"), *super().get_urls()]

    def upload_view(self, request):
        """POST file + alt (multipart, X-CSRFToken): 201 {id, url, markdown, width, height} or {error}."""
        if request.method != "POST":
            response = JsonResponse({"error": "Send the image with POST (multipart: file, alt)."}, status=405)
            response["Allow"] = "POST"
            return response
        limit = SizeLimitHandler(request, processing.max_bytes())
        request.upload_handlers.insert(0, limit)
        return self._upload(request, limit)

    @method_decorator(csrf_protect)
    def _upload(self, request, limit):
        if not self.has_add_permission(request):
            return JsonResponse({"error": "You do not have permission to upload images."}, status=403)
        file = request.FILES.get("file")
        if limit.too_large:
            return JsonResponse({"error": processing.too_big_message()}, status=413)
        if file is None:
            return JsonResponse({"error": "Choose an image file to upload (the form field “file”)."}, status=400)
        try:
            image = services.create_image(file, alt=request.POST.get("alt", ""), user=request.user)
        except processing.ImageRejected as error:
            return JsonResponse({"error": error.message}, status=error.status)
        return JsonResponse(
            {
                "id": image.pk,
                "url": image.url,
                "markdown": image.markdown,
                "width": image.width,
                "height": image.height,
            },
            status=201,
        )
