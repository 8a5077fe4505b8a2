from django.conf import settings


def blog(request):
    """Site-wide names every template may use."""
    return {"blog_title": settings.BLOG_TITLE, "blog_description": settings.BLOG_DESCRIPTION}
