"""Countries: UN short and formal names per language, and search aliases.

The reference data file fills them: `focalpoints init` applies the changed countries.json (its
digest differs), so existing databases get the names at their next init. Until then the columns
hold empty values and names fall back to CLDR as before.

Revision ID: 5c0a7e3d91b2
Revises: 7c1e5a9d2b40
Create Date: 2026-12-01 10:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0a7e3d91b2'
down_revision = '7c1e5a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch: SQLite would copy the table, and dropping the old one fails
    # while other tables' foreign keys point at it. The defaults fill the existing rows.
    op.add_column('countries', sa.Column('un_names', sa.JSON(), nullable=False, server_default='{}'))
    op.add_column(
        'countries', sa.Column('un_formal_names', sa.JSON(), nullable=False, server_default='{}')
    )
    op.add_column('countries', sa.Column('aliases', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    op.drop_column('countries', 'aliases')
    op.drop_column('countries', 'un_formal_names')
    op.drop_column('countries', 'un_names')
