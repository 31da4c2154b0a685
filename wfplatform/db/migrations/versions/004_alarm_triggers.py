"""Alarm triggers: start a workflow when Aodh posts an alarm state change.

Revision ID: 004_alarm_triggers
Revises: 003_cron_triggers
Create Date: 2026-11-23

Types are spelled out here, as in ``001_initial``, so this revision keeps creating
the same table when the models change later.
"""

from typing import Any

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '004_alarm_triggers'
down_revision = '003_cron_triggers'
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
        'alarm_triggers',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('updated_at', TIMESTAMP, nullable=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('workflow_name', sa.String(255), nullable=False),
        sa.Column('workflow_id', sa.String(36), nullable=False),
        sa.Column('workflow_namespace', sa.String(255), nullable=False),
        sa.Column('workflow_input', LONG_TEXT),
        sa.Column('workflow_params', LONG_TEXT),
        sa.Column('alarm_input', sa.String(255), nullable=False),
        sa.Column('states', LONG_TEXT),
        sa.Column('secret_digest', sa.String(64), nullable=False),
        sa.Column('scope', sa.String(80), nullable=False),
        sa.Column('project_id', sa.String(80), nullable=False),
        sa.Column('user_id', sa.String(80)),
        sa.UniqueConstraint('name', 'project_id',
                            name='uq_alarm_triggers_name_project'),
        **TABLE_OPTIONS)
    op.create_index('ix_alarm_triggers_workflow', 'alarm_triggers', ['workflow_id'])


def downgrade() -> None:
    op.drop_table('alarm_triggers')
