# RoleAssignment now belongs to the `access` app (issue 12). State only: the table identity_roleassignment stays
# where it is, with its rows, constraints and indexes; access 0001 takes the model into its state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0001_initial'),
        ('identity', '0003_sso_totp_consent'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='RoleAssignment')],
            database_operations=[],
        ),
    ]
