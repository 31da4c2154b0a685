"""Initial schema: definitions, executions, scheduled jobs and the outbox.

Revision ID: 001_initial
Revises:
Create Date: 2026-11-23

Types are spelled out here rather than imported from the models, so this revision
keeps creating the same schema when the models change later. On MySQL/MariaDB the
tables are InnoDB (row locks, foreign keys) in utf8mb4 with a binary collation, so
names compare case-sensitively there as they do on PostgreSQL and SQLite.
"""

from typing import Any

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '001_initial'
down_revision = None
branch_labels = None
depends_on = None

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql')
"""Definitions and JSON values: TEXT, LONGTEXT on MySQL (TEXT stops at 64 KiB)."""

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')
"""Naive UTC with microseconds on every backend."""

TABLE_OPTIONS: dict[str, Any] = {
    'mysql_engine': 'InnoDB',
    'mysql_charset': 'utf8mb4',
    'mysql_collate': 'utf8mb4_bin',
}

TABLES = ('workbooks', 'workflow_definitions', 'action_definitions', 'environments',
          'workflow_executions', 'task_executions', 'action_executions',
          'scheduled_jobs', 'outbox')
"""Every table, parents before children."""


def _common_columns() -> list[sa.Column]:
    return [
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('updated_at', TIMESTAMP, nullable=True),
    ]


def _project_columns() -> list[sa.Column]:
    return [
        sa.Column('scope', sa.String(80), nullable=False),
        sa.Column('project_id', sa.String(80), nullable=False),
    ]


def _definition_columns() -> list[sa.Column]:
    return [
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('namespace', sa.String(255), nullable=False),
        sa.Column('definition', LONG_TEXT),
        sa.Column('spec', LONG_TEXT),
        sa.Column('tags', LONG_TEXT),
    ]


def _create_definition_tables() -> None:
    op.create_table(
        'workbooks', *_common_columns(), *_definition_columns(),
        *_project_columns(),
        sa.UniqueConstraint('name', 'namespace', 'project_id',
                            name='uq_workbooks_name_namespace_project'),
        **TABLE_OPTIONS)
    op.create_table(
        'workflow_definitions', *_common_columns(), *_definition_columns(),
        sa.Column('input', sa.Text),
        sa.Column('is_system', sa.Boolean, nullable=False),
        sa.Column('workbook_name', sa.String(255)),
        *_project_columns(),
        sa.UniqueConstraint('name', 'namespace', 'project_id',
                            name='uq_workflow_definitions_name_namespace_project'),
        **TABLE_OPTIONS)
    op.create_index('ix_workflow_definitions_project_created', 'workflow_definitions',
                    ['project_id', 'created_at'])
    op.create_table(
        'action_definitions', *_common_columns(), *_definition_columns(),
        sa.Column('description', sa.Text),
        sa.Column('input', sa.Text),
        sa.Column('is_system', sa.Boolean, nullable=False),
        sa.Column('action_class', sa.String(255)),
        sa.Column('workbook_name', sa.String(255)),
        *_project_columns(),
        sa.UniqueConstraint('name', 'namespace', 'project_id',
                            name='uq_action_definitions_name_namespace_project'),
        **TABLE_OPTIONS)
    op.create_table(
        'environments', *_common_columns(),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.Text),
        sa.Column('variables', LONG_TEXT),
        *_project_columns(),
        sa.UniqueConstraint('name', 'project_id', name='uq_environments_name_project'),
        **TABLE_OPTIONS)


def _create_workflow_executions() -> None:
    op.create_table(
        'workflow_executions', *_common_columns(),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('workflow_id', sa.String(36)),
        sa.Column('workflow_namespace', sa.String(255), nullable=False),
        sa.Column('description', sa.Text),
        sa.Column('tags', LONG_TEXT),
        sa.Column('spec', LONG_TEXT, nullable=False),
        sa.Column('state', sa.String(20), nullable=False),
        sa.Column('state_info', sa.Text),
        sa.Column('input', LONG_TEXT),
        sa.Column('output', LONG_TEXT),
        sa.Column('params', LONG_TEXT),
        sa.Column('context', LONG_TEXT),
        sa.Column('runtime_context', LONG_TEXT),
        sa.Column('task_execution_id', sa.String(36)),
        sa.Column('root_execution_id', sa.String(36)),
        sa.Column('source_execution_id', sa.String(36)),
        *_project_columns(),
        **TABLE_OPTIONS)
    for name, columns in (('ix_workflow_executions_project_created',
                           ['project_id', 'created_at']),
                          ('ix_workflow_executions_state', ['state']),
                          ('ix_workflow_executions_root', ['root_execution_id']),
                          ('ix_workflow_executions_task', ['task_execution_id'])):
        op.create_index(name, 'workflow_executions', columns)


def _create_task_executions() -> None:
    op.create_table(
        'task_executions', *_common_columns(),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('unique_key', sa.String(255), nullable=False),
        sa.Column('type', sa.String(10), nullable=False),
        sa.Column('workflow_execution_id', sa.String(36), nullable=False),
        sa.Column('root_execution_id', sa.String(36), nullable=False),
        sa.Column('workflow_name', sa.String(255), nullable=False),
        sa.Column('workflow_id', sa.String(36)),
        sa.Column('workflow_namespace', sa.String(255), nullable=False),
        sa.Column('tags', LONG_TEXT),
        sa.Column('state', sa.String(20), nullable=False),
        sa.Column('state_info', sa.Text),
        sa.Column('in_context', LONG_TEXT),
        sa.Column('result', LONG_TEXT),
        sa.Column('published', LONG_TEXT),
        sa.Column('runtime_context', LONG_TEXT),
        sa.Column('processed', sa.Boolean, nullable=False),
        sa.Column('started_at', TIMESTAMP),
        sa.Column('finished_at', TIMESTAMP),
        sa.Column('project_id', sa.String(80), nullable=False),
        sa.UniqueConstraint('unique_key', name='uq_task_executions_unique_key'),
        sa.ForeignKeyConstraint(
            ['workflow_execution_id'], ['workflow_executions.id'],
            name='fk_task_executions_workflow_execution_id', ondelete='CASCADE'),
        **TABLE_OPTIONS)
    for name, columns in (('ix_task_executions_workflow_execution',
                           ['workflow_execution_id']),
                          ('ix_task_executions_project_created',
                           ['project_id', 'created_at']),
                          ('ix_task_executions_state', ['state'])):
        op.create_index(name, 'task_executions', columns)


def _create_action_executions() -> None:
    op.create_table(
        'action_executions', *_common_columns(),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('task_execution_id', sa.String(36)),
        sa.Column('root_execution_id', sa.String(36)),
        sa.Column('workflow_name', sa.String(255)),
        sa.Column('workflow_namespace', sa.String(255), nullable=False),
        sa.Column('description', sa.Text),
        sa.Column('tags', LONG_TEXT),
        sa.Column('state', sa.String(20), nullable=False),
        sa.Column('state_info', sa.Text),
        sa.Column('accepted', sa.Boolean, nullable=False),
        sa.Column('is_sync', sa.Boolean, nullable=False),
        sa.Column('input', LONG_TEXT),
        sa.Column('output', LONG_TEXT),
        sa.Column('runtime_context', LONG_TEXT),
        sa.Column('executor_host', sa.String(255)),
        sa.Column('project_id', sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(
            ['task_execution_id'], ['task_executions.id'],
            name='fk_action_executions_task_execution_id', ondelete='CASCADE'),
        **TABLE_OPTIONS)
    for name, columns in (('ix_action_executions_task_execution',
                           ['task_execution_id']),
                          ('ix_action_executions_project_created',
                           ['project_id', 'created_at']),
                          ('ix_action_executions_state', ['state'])):
        op.create_index(name, 'action_executions', columns)


def _create_delivery_tables() -> None:
    op.create_table(
        'scheduled_jobs', *_common_columns(),
        sa.Column('job_type', sa.String(80), nullable=False),
        sa.Column('key', sa.String(255)),
        sa.Column('payload', LONG_TEXT),
        sa.Column('run_after', TIMESTAMP, nullable=False),
        sa.Column('claimed_by', sa.String(255)),
        sa.Column('claimed_at', TIMESTAMP),
        sa.UniqueConstraint('key', name='uq_scheduled_jobs_key'),
        **TABLE_OPTIONS)
    op.create_index('ix_scheduled_jobs_run_after', 'scheduled_jobs', ['run_after'])
    op.create_table(
        'outbox', *_common_columns(),
        sa.Column('topic', sa.String(255), nullable=False),
        sa.Column('server', sa.String(255)),
        sa.Column('method', sa.String(80), nullable=False),
        sa.Column('payload', LONG_TEXT, nullable=False),
        sa.Column('attempts', sa.Integer, nullable=False),
        sa.Column('sent_at', TIMESTAMP),
        **TABLE_OPTIONS)
    op.create_index('ix_outbox_created', 'outbox', ['created_at'])


def upgrade() -> None:
    _create_definition_tables()
    _create_workflow_executions()
    _create_task_executions()
    _create_action_executions()
    _create_delivery_tables()


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
