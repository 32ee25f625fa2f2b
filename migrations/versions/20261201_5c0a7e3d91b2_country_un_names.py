"""Countries: UN short and formal names per language, and search aliases.

The reference data file fills them: `focalpoints init` applies the changed countries.json (its
digest differs), so existing databases get the names at their next init. Until then the columns
hold empty values and names fall back to CLDR as before.

Revision ID: 5c0a7e3d91b2
Revises: 54b21aafbfad
Create Date: 2026-12-01 10:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0a7e3d91b2'
down_revision = '54b21aafbfad'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('countries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('un_names', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(
            sa.Column('un_formal_names', sa.JSON(), nullable=False, server_default='{}')
        )
        batch_op.add_column(sa.Column('aliases', sa.JSON(), nullable=False, server_default='[]'))
    # The default only fills existing rows; the model sets the values from now on.
    with op.batch_alter_table('countries', schema=None) as batch_op:
        batch_op.alter_column('un_names', server_default=None)
        batch_op.alter_column('un_formal_names', server_default=None)
        batch_op.alter_column('aliases', server_default=None)


def downgrade():
    with op.batch_alter_table('countries', schema=None) as batch_op:
        batch_op.drop_column('aliases')
        batch_op.drop_column('un_formal_names')
        batch_op.drop_column('un_names')
