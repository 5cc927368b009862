# The role assignments moved here from `identity` (issue 12). State only: the table keeps its name
# (identity_roleassignment), its constraints and its indexes; no SQL runs (see identity 0004).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('identity', '0003_sso_totp_consent'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RoleAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('province_admin', 'Province administrator'), ('focal_point', 'Unit focal point'), ('instructor', 'Instructor'), ('coordinator', 'Bridge-site coordinator')], max_length=20, verbose_name='role')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='role_assignments', to='org.unit', verbose_name='unit')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='roles', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'role assignment',
                        'verbose_name_plural': 'role assignments',
                        'db_table': 'identity_roleassignment',
                        'constraints': [
                            models.UniqueConstraint(fields=('user', 'role', 'unit'), name='identity_role_unique'),
                            models.UniqueConstraint(condition=models.Q(('unit__isnull', True)), fields=('user', 'role'), name='identity_role_unique_global'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
