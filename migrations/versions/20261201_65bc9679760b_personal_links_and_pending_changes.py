"""Focal points who answer for themselves: personal links and the changes they propose.

person_links keep the digest of each link mailed to a focal point (to confirm their record, or
to answer a consultation); pending_changes the corrections and "no longer holds the role" that
coordinators approve. Consultations record whether the focal point answered themselves and may
read the position's text; people, whether the mail server refused their address.

Revision ID: 65bc9679760b
Revises: 00f3dea0b9f9
Create Date: 2026-12-01 11:41:10.333570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '65bc9679760b'
down_revision = '00f3dea0b9f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_error', sa.String(length=500), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_person_links_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['country_id'], ['countries.id'], name=op.f('fk_person_links_country_id_countries')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_links_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_person_links_token_hash'))
    )
    with op.batch_alter_table('person_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_links_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_links_country_id'), ['country_id'], unique=False)
        batch_op.create_index('ix_person_links_person_purpose', ['person_id', 'purpose'], unique=False)

    op.create_table('pending_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('proposed', sa.JSON(), nullable=False),
    sa.Column('previous', sa.JSON(), nullable=False),
    sa.Column('appointment_ids', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['country_id'], ['countries.id'], name=op.f('fk_pending_changes_country_id_countries')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_pending_changes_decided_by_id_users')),
    sa.ForeignKeyConstraint(['link_id'], ['person_links.id'], name=op.f('fk_pending_changes_link_id_person_links')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_pending_changes_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_changes'))
    )
    with op.batch_alter_table('pending_changes', schema=None) as batch_op:
        batch_op.create_index('ix_pending_changes_country_status', ['country_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_changes_person_id'), ['person_id'], unique=False)

    # Not in batch mode: on SQLite that copies the table, and dropping the old copy breaks the
    # foreign keys of every table that refers to it. ADD COLUMN works in place on both.
    # Answers recorded so far were all entered on the focal points' behalf.
    op.add_column('consultations', sa.Column('answered_by_self', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('consultations', sa.Column('share_text', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('people', sa.Column('email_refused_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('people', sa.Column('email_refused_reason', sa.String(length=300), nullable=False, server_default=''))


def downgrade():
    op.drop_column('people', 'email_refused_reason')
    op.drop_column('people', 'email_refused_at')
    op.drop_column('consultations', 'share_text')
    op.drop_column('consultations', 'answered_by_self')

    with op.batch_alter_table('pending_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_changes_person_id'))
        batch_op.drop_index('ix_pending_changes_country_status')

    op.drop_table('pending_changes')
    with op.batch_alter_table('person_links', schema=None) as batch_op:
        batch_op.drop_index('ix_person_links_person_purpose')
        batch_op.drop_index(batch_op.f('ix_person_links_country_id'))
        batch_op.drop_index(batch_op.f('ix_person_links_consultation_id'))

    op.drop_table('person_links')
