"""The database keeps the registry's rules under concurrent writers.

Partial unique indexes: a person holds a role at most once at a time; a role that allows one
holder has at most one current holder per country (appointments carry a copy of the role's
``multiple_holders``, tied to the role by a foreign key on (role_id, multiple_holders) that
cascades a change of the role); a person has at most one open-ended place in a working group;
a country has at most one open working group. CHECK constraints hold every status and kind
column to the values of its Python enum. Every foreign key says ON DELETE RESTRICT: no record
that others refer to is ever deleted (people, appointments and accounts are ended, marked
deleted or deactivated), so this only makes explicit what NO ACTION did.

Existing rows that break a rule are not changed: the upgrade stops before any change and lists
them, because only a person can tell which of two current holders is the right one. End or
correct them in the app, then upgrade again.

Revision ID: b74773373395
Revises: 65bc9679760b
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b74773373395'
down_revision = '65bc9679760b'
branch_labels = None
depends_on = None

CURRENT = "status <> 'ended'"
CURRENT_SINGLE = "status <> 'ended' AND NOT multiple_holders"
OPEN_MEMBER = "deleted_at IS NULL AND left_on IS NULL"
OPEN_GROUP = "closed_on IS NULL"

# The values of each enum column when this migration was written (the models build the same
# conditions from the enums; tests/test_database.py checks that they agree).
CHECKS = {
    'countries': {'kind': ('state', 'observer_state', 'associated_state', 'reio')},
    'roles': {'holder_kind': ('person', 'institution', 'either')},
    'people': {
        'kind': ('person', 'institution'),
        'visibility': ('public', 'registered', 'restricted'),
    },
    'appointments': {'status': ('proposed', 'endorsed', 'notified', 'acknowledged', 'ended')},
    'framework_elements': {'kind': ('goal', 'section', 'target')},
    'nbsaps': {'status': ('in_preparation', 'adopted', 'under_revision', 'superseded')},
    'national_targets': {
        'kind': ('target', 'measure'),
        'status': ('planned', 'in_progress', 'on_track', 'delayed', 'achieved', 'discontinued'),
    },
    'alignments': {'degree': ('high', 'medium', 'low')},
    'notices': {'email_state': ('pending', 'sent', 'not_sent', 'failed')},
    'notification_preferences': {'delivery': ('immediate', 'weekly', 'app', 'off')},
    'report_statuses': {'status': ('not_started', 'in_preparation', 'submitted')},
    'positions': {'status': ('draft', 'consultation', 'agreed')},
    'position_versions': {'status': ('draft', 'consultation', 'agreed')},
    'consultations': {'answer': ('agree', 'comment', 'object')},
    'working_group_members': {
        'category': ('focal_point', 'ministry', 'ngo', 'iplc', 'academia', 'private_sector', 'other'),
        'group_role': ('chair', 'vice_chair', 'secretary', 'member', 'observer'),
    },
    'working_group_actions': {'status': ('open', 'in_progress', 'done', 'cancelled')},
}

# Every single-column foreign key, (column, referred table), each to the referred table's id.
# conventions.parent_id has said RESTRICT since it was made; appointments.role_id is replaced
# by the pair (role_id, multiple_holders) below.
FOREIGN_KEYS = {
    'frameworks': [
        ('supersedes_id', 'frameworks'),
    ],
    'framework_conventions': [
        ('convention_id', 'conventions'),
        ('framework_id', 'frameworks'),
    ],
    'framework_elements': [
        ('framework_id', 'frameworks'),
        ('parent_id', 'framework_elements'),
    ],
    'issue_conventions': [
        ('convention_id', 'conventions'),
        ('issue_id', 'issues'),
    ],
    'meetings': [
        ('convention_id', 'conventions'),
    ],
    'memberships': [
        ('convention_id', 'conventions'),
        ('country_id', 'countries'),
    ],
    'nbsaps': [
        ('country_id', 'countries'),
    ],
    'people': [
        ('country_id', 'countries'),
        ('merged_into_id', 'people'),
    ],
    'report_deadlines': [
        ('convention_id', 'conventions'),
    ],
    'roles': [
        ('convention_id', 'conventions'),
    ],
    'users': [
        ('country_id', 'countries'),
        ('invited_by_id', 'users'),
    ],
    'agenda_items': [
        ('issue_id', 'issues'),
        ('meeting_id', 'meetings'),
    ],
    'api_tokens': [
        ('user_id', 'users'),
    ],
    'appointments': [
        ('country_id', 'countries'),
        ('person_id', 'people'),
        ('predecessor_id', 'appointments'),
    ],
    'audit_log': [
        ('actor_id', 'users'),
        ('country_id', 'countries'),
    ],
    'calendar_feeds': [
        ('country_id', 'countries'),
        ('user_id', 'users'),
    ],
    'login_sessions': [
        ('user_id', 'users'),
    ],
    'national_targets': [
        ('country_id', 'countries'),
        ('nbsap_id', 'nbsaps'),
        ('parent_id', 'national_targets'),
    ],
    'notices': [
        ('country_id', 'countries'),
        ('user_id', 'users'),
    ],
    'notification_preferences': [
        ('user_id', 'users'),
    ],
    'report_statuses': [
        ('country_id', 'countries'),
        ('deadline_id', 'report_deadlines'),
    ],
    'working_groups': [
        ('country_id', 'countries'),
        ('secretariat_contact_id', 'people'),
    ],
    'alignments': [
        ('country_id', 'countries'),
        ('element_id', 'framework_elements'),
        ('national_target_id', 'national_targets'),
    ],
    'national_target_conventions': [
        ('convention_id', 'conventions'),
        ('national_target_id', 'national_targets'),
    ],
    'national_target_people': [
        ('national_target_id', 'national_targets'),
        ('person_id', 'people'),
    ],
    'positions': [
        ('agenda_item_id', 'agenda_items'),
        ('country_id', 'countries'),
        ('issue_id', 'issues'),
        ('lead_person_id', 'people'),
        ('meeting_id', 'meetings'),
    ],
    'progress_notes': [
        ('country_id', 'countries'),
        ('national_target_id', 'national_targets'),
    ],
    'working_group_meetings': [
        ('country_id', 'countries'),
        ('group_id', 'working_groups'),
    ],
    'working_group_members': [
        ('country_id', 'countries'),
        ('group_id', 'working_groups'),
        ('person_id', 'people'),
    ],
    'consultations': [
        ('country_id', 'countries'),
        ('person_id', 'people'),
        ('position_id', 'positions'),
    ],
    'position_versions': [
        ('agenda_item_id', 'agenda_items'),
        ('issue_id', 'issues'),
        ('lead_person_id', 'people'),
        ('meeting_id', 'meetings'),
        ('position_id', 'positions'),
    ],
    'working_group_actions': [
        ('country_id', 'countries'),
        ('group_id', 'working_groups'),
        ('meeting_id', 'working_group_meetings'),
        ('owner_id', 'people'),
    ],
    'working_group_documents': [
        ('country_id', 'countries'),
        ('group_id', 'working_groups'),
        ('meeting_id', 'working_group_meetings'),
    ],
}

# What the upgrade refuses to start on: each query lists the rows that break one rule.
PROBLEMS = (
    (
        "people holding the same role twice at once (person, role, appointments)",
        "SELECT person_id, role_id, COUNT(*) FROM appointments WHERE status <> 'ended'"
        " GROUP BY person_id, role_id HAVING COUNT(*) > 1",
    ),
    (
        "single-holder roles with more than one current holder (country, role, appointments)",
        "SELECT a.country_id, a.role_id, COUNT(*) FROM appointments a"
        " JOIN roles r ON r.id = a.role_id"
        " WHERE a.status <> 'ended' AND NOT r.multiple_holders"
        " GROUP BY a.country_id, a.role_id HAVING COUNT(*) > 1",
    ),
    (
        "people with two open-ended places in one working group (group, person, places)",
        "SELECT group_id, person_id, COUNT(*) FROM working_group_members"
        " WHERE deleted_at IS NULL AND left_on IS NULL"
        " GROUP BY group_id, person_id HAVING COUNT(*) > 1",
    ),
    (
        "countries with more than one open working group (country, groups)",
        "SELECT country_id, COUNT(*) FROM working_groups WHERE closed_on IS NULL"
        " GROUP BY country_id HAVING COUNT(*) > 1",
    ),
)


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _problems(connection):
    found = []
    for what, query in PROBLEMS:
        rows = connection.execute(sa.text(query)).fetchall()
        if rows:
            found.append(f"- {what}: " + "; ".join(str(tuple(r)) for r in rows[:20]))
    for table, columns in CHECKS.items():
        for column, values in columns.items():
            rows = connection.execute(sa.text(
                f"SELECT id, {column} FROM {table}"
                f" WHERE {column} IS NOT NULL AND NOT ({_in(column, values)})"
            )).fetchall()
            if rows:
                found.append(
                    f"- {table}.{column} outside {values} (id, value): "
                    + "; ".join(str(tuple(r)) for r in rows[:20])
                )
    return found


def upgrade():
    found = _problems(op.get_bind())
    if found:
        raise RuntimeError(
            "The database has rows that break the registry's rules; nothing was changed. "
            "End or correct them in the app (or by hand), then upgrade again:\n" + "\n".join(found)
        )

    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_roles_id_multiple_holders'), ['id', 'multiple_holders'])

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('multiple_holders', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(sa.text(
        "UPDATE appointments SET multiple_holders ="
        " (SELECT multiple_holders FROM roles WHERE roles.id = appointments.role_id)"
    ))
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.alter_column('multiple_holders', existing_type=sa.Boolean(), server_default=None)
        batch_op.drop_constraint('fk_appointments_role_id_roles', type_='foreignkey')
        batch_op.create_foreign_key(
            'fk_appointments_role_id_roles', 'roles', ['role_id', 'multiple_holders'], ['id', 'multiple_holders'],
            onupdate='CASCADE', ondelete='RESTRICT',
        )

    for table in sorted(FOREIGN_KEYS.keys() | CHECKS.keys()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, referred in FOREIGN_KEYS.get(table, ()):
                name = op.f(f'fk_{table}_{column}_{referred}')  # truncated as when made
                batch_op.drop_constraint(name, type_='foreignkey')
                batch_op.create_foreign_key(name, referred, [column], ['id'], ondelete='RESTRICT')
            for column, values in CHECKS.get(table, {}).items():
                batch_op.create_check_constraint(column, _in(column, values))

    # Partial indexes last: a batch rebuild of the table on SQLite must not meet them half-made.
    _partial_index('uq_appointments_current_person_role', 'appointments', ['person_id', 'role_id'], CURRENT)
    _partial_index('uq_appointments_current_single_holder', 'appointments', ['country_id', 'role_id'], CURRENT_SINGLE)
    _partial_index('uq_working_group_members_open', 'working_group_members', ['group_id', 'person_id'], OPEN_MEMBER)
    _partial_index('uq_working_groups_open_country', 'working_groups', ['country_id'], OPEN_GROUP)


def _partial_index(name, table, columns, where):
    op.create_index(
        name, table, columns, unique=True,
        sqlite_where=sa.text(where), postgresql_where=sa.text(where),
    )


def downgrade():
    for name, table in (
        ('uq_working_groups_open_country', 'working_groups'),
        ('uq_working_group_members_open', 'working_group_members'),
        ('uq_appointments_current_single_holder', 'appointments'),
        ('uq_appointments_current_person_role', 'appointments'),
    ):
        op.drop_index(name, table_name=table)

    for table in sorted(FOREIGN_KEYS.keys() | CHECKS.keys()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in CHECKS.get(table, {}):
                batch_op.drop_constraint(column, type_='check')
            for column, referred in FOREIGN_KEYS.get(table, ()):
                name = op.f(f'fk_{table}_{column}_{referred}')  # truncated as when made
                batch_op.drop_constraint(name, type_='foreignkey')
                batch_op.create_foreign_key(name, referred, [column], ['id'])

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_appointments_role_id_roles', type_='foreignkey')
        batch_op.create_foreign_key('fk_appointments_role_id_roles', 'roles', ['role_id'], ['id'])
        batch_op.drop_column('multiple_holders')
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_roles_id_multiple_holders'), type_='unique')
