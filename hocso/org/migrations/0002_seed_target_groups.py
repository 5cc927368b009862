from django.db import migrations


def seed(apps, schema_editor):
    from hocso.org.target_groups import DEFAULT_TARGET_GROUPS

    TargetGroup = apps.get_model("org", "TargetGroup")
    for position, (code, name, description) in enumerate(DEFAULT_TARGET_GROUPS, start=1):
        TargetGroup.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
