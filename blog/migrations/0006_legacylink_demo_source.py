# Choices only (no schema change): the demo content (content/demo, `manage.py seed_demo`)
# keeps its links like an import does.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0005_post_search_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='legacylink',
            name='source',
            field=models.CharField(choices=[('blogger', 'Blogger'), ('wordpress', 'WordPress'), ('demo', 'Demo content')], max_length=12),
        ),
    ]
