"""Appointments: a covering index of current holdings, for coverage at any size of history.

The coverage figures group the current appointments of the counted roles by country and role
and take the latest confirmation. Without this index the database reads every appointment of
those roles, ended ones included, so the page slowed down as the registry's history grew
(bench/README.md: at ten times the history). The index holds current appointments only (the
same condition as the registry's uniqueness rules) with the columns the figures read, so both
SQLite and PostgreSQL answer from the index alone. The role comes first: the figures ask for a
list of roles, and SQLite, which keeps no statistics unless ANALYZE is run, then prefers this
index to the plain one on role_id.

Revision ID: d41c0a9e5b17
Revises: c7d2a9e4f15b
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd41c0a9e5b17'
down_revision = 'c7d2a9e4f15b'
branch_labels = None
depends_on = None

CURRENT = sa.text("status <> 'ended'")


def upgrade():
    op.create_index(
        'ix_appointments_current_holdings',
        'appointments',
        ['role_id', 'country_id', 'last_confirmed_on', 'start_date'],
        unique=False,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )


def downgrade():
    op.drop_index('ix_appointments_current_holdings', table_name='appointments')
