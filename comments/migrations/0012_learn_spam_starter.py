"""A new blog's spam filter starts from the starter corpus (comments/spam_corpus/starter.jsonl,
written for this project), at weight 1: the author's own decisions soon outweigh it."""

from django.db import migrations


def learn(apps, schema_editor):
    from comments import spam

    SpamToken = apps.get_model("comments", "SpamToken")  # this migration's model, not today's
    if not SpamToken.objects.filter(bucket=spam.TOTALS).exists():  # nothing learned yet
        spam.learn_starter(model=SpamToken)


def forget(apps, schema_editor):
    apps.get_model("comments", "SpamToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("comments", "0011_spam_filter")]

    operations = [migrations.RunPython(learn, forget)]
