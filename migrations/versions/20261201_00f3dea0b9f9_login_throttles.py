"""Log-in throttling per account name and client address, replacing the per-account lock.

The lock let six strangers keep an account's owner out; the throttle delays only the pair
(account name, address) that failed. The old counters on users go.

Revision ID: 00f3dea0b9f9
Revises: 5c0a7e3d91b2
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '00f3dea0b9f9'
down_revision = '5c0a7e3d91b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_last_failed_at'), ['last_failed_at'], unique=False)

    # Not in batch mode: on SQLite that copies the table, and dropping the old copy breaks the
    # foreign keys of every table that refers to users. SQLite 3.35+ drops a column in place.
    op.drop_column('users', 'locked_until')
    op.drop_column('users', 'failed_logins')


def downgrade():
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('users', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_last_failed_at'))

    op.drop_table('login_throttles')
