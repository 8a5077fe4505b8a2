"""A reader's data by email address, for GDPR requests (export and erase).

Two functions to register with the project's privacy registry (comments.privacy, at merge):
`export(email)` returns plain data; `erase(email)` deletes the address, its subscriptions and
its delivery records, and returns how many rows went.
"""

from .models import Subscriber


def _subscriber(email):
    return Subscriber.objects.filter(email=(email or "").strip().lower()).first()


def export(email):
    subscriber = _subscriber(email)
    if subscriber is None:
        return {"subscriptions": [], "deliveries": []}
    subscriptions = subscriber.subscriptions.select_related("theme", "tag", "post").order_by("pk")
    return {
        "subscriber": {"email": subscriber.email, "created_at": subscriber.created_at.isoformat()},
        "subscriptions": [
            {
                "list": s.list_name,
                "frequency": s.frequency,
                "active": s.active,
                "confirmed_at": s.confirmed_at.isoformat(),
                "unsubscribed_at": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
            }
            for s in subscriptions
        ],
        "deliveries": [
            {"item": item, "status": status, "sent_at": sent_at.isoformat() if sent_at else None}
            for item, status, sent_at in subscriber.deliveries.order_by("pk").values_list("item", "status", "sent_at")
        ],
    }


def erase(email):
    subscriber = _subscriber(email)
    if subscriber is None:
        return 0
    deleted, _ = subscriber.delete()  # subscriptions and deliveries cascade
    return deleted
