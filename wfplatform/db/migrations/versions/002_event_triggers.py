"""Event triggers: start a workflow when a notification arrives.

Revision ID: 002_event_triggers
Revises: 001_initial
Create Date: 2026-11-23

Types are spelled out here, as in ``001_initial``, so this revision keeps creating
the same table when the models change later.
"""

from typing import Any

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '002_event_triggers'
down_revision = '001_initial'
branch_labels = None
depends_on = None

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql')

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')

TABLE_OPTIONS: dict[str, Any] = {
    'mysql_engine': 'InnoDB',
    'mysql_charset': 'utf8mb4',
    'mysql_collate': 'utf8mb4_bin',
}


def upgrade() -> None:
    op.create_table(
        'event_triggers',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('updated_at', TIMESTAMP, nullable=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('workflow_id', sa.String(36), nullable=False),
        sa.Column('workflow_input', LONG_TEXT),
        sa.Column('workflow_params', LONG_TEXT),
        sa.Column('exchange', sa.String(80), nullable=False),
        sa.Column('topic', sa.String(80), nullable=False),
        sa.Column('event', sa.String(80), nullable=False),
        sa.Column('trust_id', sa.String(80)),
        sa.Column('scope', sa.String(80), nullable=False),
        sa.Column('project_id', sa.String(80), nullable=False),
        sa.UniqueConstraint('exchange', 'topic', 'event', 'workflow_id', 'project_id',
                            name='uq_event_triggers_exchange_topic_event_workflow'),
        **TABLE_OPTIONS)


def downgrade() -> None:
    op.drop_table('event_triggers')
