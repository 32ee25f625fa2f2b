"""Instruments with their own membership; frameworks with their adopted texts.

Each instrument is a row of ``conventions`` with a ``parent``; roles and memberships belong to the
instrument itself. Roles say how strongly a Party is asked to designate them (required, expected,
optional) and on what basis; memberships say how they were joined, where the record comes from and
whether a source confirms it. ``focalpoints init`` then creates the instruments and moves their
roles (and with them every appointment) from the parent convention.

Framework elements keep their adopted text in each language beside the short titles, with its
source; a framework names the decision that adopted it and its sources.

Revision ID: 7c1e5a9d2b40
Revises: 54b21aafbfad
Create Date: 2026-12-01 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d2b40'
down_revision = '54b21aafbfad'
branch_labels = None
depends_on = None

KINDS = "kind IN ('convention', 'protocol', 'agreement', 'mou')"
REQUIREMENTS = "requirement IN ('required', 'expected', 'optional')"


def upgrade():
    with op.batch_alter_table('conventions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='convention'))
        batch_op.add_column(sa.Column('membership_sources', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('membership_as_of', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('published_total', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_conventions_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_conventions_parent_id_conventions'), 'conventions', ['parent_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint('kind', KINDS)

    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requirement', sa.String(length=10), nullable=False, server_default='optional'))
        batch_op.add_column(sa.Column('basis', sa.JSON(), nullable=False, server_default='{}'))
    op.execute(sa.text("UPDATE roles SET requirement = 'required' WHERE required"))
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_column('required')
        batch_op.drop_column('instrument')
        batch_op.create_check_constraint('requirement', REQUIREMENTS)

    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('instrument', new_column_name='kind', existing_type=sa.String(length=20), type_=sa.String(length=30), existing_nullable=False)
        batch_op.alter_column('entry_into_force', existing_type=sa.Date(), nullable=True)
        batch_op.add_column(sa.Column('signed', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('confirmed', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('note', sa.String(length=500), nullable=True))

    with op.batch_alter_table('frameworks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adopted_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sources', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('framework_elements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('texts', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('source', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('confirmed', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('framework_elements', schema=None) as batch_op:
        batch_op.drop_column('confirmed')
        batch_op.drop_column('source')
        batch_op.drop_column('texts')
    with op.batch_alter_table('frameworks', schema=None) as batch_op:
        batch_op.drop_column('sources')
        batch_op.drop_column('adopted_by')

    # Memberships without a date of entry into force cannot go back to a schema that needs one.
    op.execute(sa.text("DELETE FROM memberships WHERE entry_into_force IS NULL"))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('confirmed')
        batch_op.drop_column('source')
        batch_op.drop_column('signed')
        batch_op.alter_column('entry_into_force', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('kind', new_column_name='instrument', existing_type=sa.String(length=30), type_=sa.String(length=20), existing_nullable=False)

    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_constraint('requirement', type_='check')
        batch_op.add_column(sa.Column('instrument', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('required', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE roles SET required = (requirement = 'required')"))
    # Roles of an instrument go back to its convention, named by the instrument's code.
    op.execute(sa.text(
        "UPDATE roles SET instrument = (SELECT code FROM conventions WHERE conventions.id = roles.convention_id),"
        " convention_id = (SELECT parent_id FROM conventions WHERE conventions.id = roles.convention_id)"
        " WHERE convention_id IN (SELECT id FROM conventions WHERE parent_id IS NOT NULL)"
    ))
    op.execute(sa.text(
        "DELETE FROM memberships WHERE convention_id IN (SELECT id FROM conventions WHERE parent_id IS NOT NULL)"
    ))
    op.execute(sa.text("DELETE FROM conventions WHERE parent_id IS NOT NULL"))
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_column('basis')
        batch_op.drop_column('requirement')

    with op.batch_alter_table('conventions', schema=None) as batch_op:
        batch_op.drop_constraint('kind', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_conventions_parent_id_conventions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_conventions_parent_id'))
        batch_op.drop_column('published_total')
        batch_op.drop_column('membership_as_of')
        batch_op.drop_column('membership_sources')
        batch_op.drop_column('kind')
        batch_op.drop_column('parent_id')
