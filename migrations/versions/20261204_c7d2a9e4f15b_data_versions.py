"""Data versions: a counter per scope of data, raised in the same transaction as each write.

Caches key on it (one read by primary key) instead of counting audit rows, which went back when
the audit log was pruned, or re-reading the rows a page shows. The counters start from the
audit rows already recorded for each scope, so that a version read before the upgrade is never
read again after it.

Revision ID: c7d2a9e4f15b
Revises: d1a7c3e9b5f2
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2a9e4f15b'
down_revision = 'd1a7c3e9b5f2'
branch_labels = None
depends_on = None

SCOPES = {
    'reference': ('conventions', 'roles', 'countries', 'memberships', 'reference_datasets'),
    'registry': ('people', 'appointments'),
}


def upgrade():
    op.create_table(
        'data_versions',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_data_versions')),
    )
    audit = sa.table('audit_log', sa.column('entity_type', sa.String))
    versions = sa.table(
        'data_versions', sa.column('scope', sa.String), sa.column('version', sa.BigInteger)
    )
    for scope, tables in SCOPES.items():
        op.execute(
            versions.insert().from_select(
                ['scope', 'version'],
                sa.select(sa.literal(scope), sa.func.count()).where(
                    audit.c.entity_type.in_(tables)
                ),
            )
        )


def downgrade():
    op.drop_table('data_versions')
