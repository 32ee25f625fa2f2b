"""Users: whether the saved language was chosen by the user.

A language given by an administrator or the demo data sets only the language of e-mails; pages
follow the browser's language until the user chooses one. Existing accounts cannot tell a
choice from an assignment, so they start as not chosen: the browser's language, until the
user picks one on the switcher or the account page.

Revision ID: b3c4e1f07a2d
Revises: 6b05fed7e769
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c4e1f07a2d'
down_revision = '6b05fed7e769'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite that copies the table, and dropping the old copy breaks the
    # foreign keys of every table that refers to users.
    op.add_column(
        'users',
        sa.Column('language_chosen', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column('users', 'language_chosen')
