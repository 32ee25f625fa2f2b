"""Two-step log-in: passkeys (WebAuthn credentials), and room for encrypted authenticator secrets.

A TOTP secret is now stored encrypted ("v1:" and a Fernet token, about 150 characters). The
migration cannot know the app's key, so it only widens the column: secrets already stored stay
readable as they are, and are encrypted at their next use or by
``focalpoints users encrypt-two-step-secrets``.

Revision ID: d1a7c3e9b5f2
Revises: b3c4e1f07a2d
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1a7c3e9b5f2'
down_revision = 'b3c4e1f07a2d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('passkeys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.LargeBinary(length=1023), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.BigInteger(), nullable=False),
    sa.Column('transports', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_passkeys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkeys')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_passkeys_credential_id'))
    )
    op.create_index(op.f('ix_passkeys_user_id'), 'passkeys', ['user_id'], unique=False)
    # No table refers to totp_credentials: on SQLite, batch mode may copy it safely.
    with op.batch_alter_table('totp_credentials', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sa.String(length=64), type_=sa.String(length=255), existing_nullable=False)


def downgrade():
    # Encrypted secrets do not fit the old column (PostgreSQL refuses to shorten it while one
    # is stored), and the older code could not read them: reset those users' two-step log-in.
    with op.batch_alter_table('totp_credentials', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sa.String(length=255), type_=sa.String(length=64), existing_nullable=False)
    op.drop_index(op.f('ix_passkeys_user_id'), table_name='passkeys')
    op.drop_table('passkeys')
