"""SQLAlchemy models: the shape of every table.

Alembic migrations (``db/migrations``) are the only author of the schema; a test checks
that these models and the migrations agree on every backend. Nothing above ``db/``
sees these classes: repositories return plain dictionaries (see :func:`to_dict`).

JSON values are stored as text (``LONGTEXT`` on MySQL/MariaDB) so all three backends
behave the same; timestamps are naive UTC.
"""

import datetime
import json
from typing import Any

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy import orm

LongText = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql')

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')
"""Microsecond timestamps everywhere: MySQL's plain DATETIME keeps whole seconds
(MariaDB truncates, MySQL rounds), which breaks ordering by ``created_at`` and
comparisons with ``run_after``."""


class JsonEncoded(sa.types.TypeDecorator):
    """A JSON value stored as text."""

    impl = LongText
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else json.dumps(value, separators=(',', ':'))

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


def _uuid() -> str:
    return uuidutils.generate_uuid()


def _now() -> datetime.datetime:
    return timeutils.utcnow()


class Base(orm.DeclarativeBase):
    """Common columns: a UUID key and creation/update timestamps."""

    id: orm.Mapped[str] = orm.mapped_column(sa.String(36), primary_key=True,
                                            default=_uuid)
    created_at: orm.Mapped[datetime.datetime] = orm.mapped_column(
        Timestamp, nullable=False, default=_now)
    updated_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        Timestamp, nullable=True, onupdate=_now)


def _json_column() -> orm.Mapped[Any]:
    """A JSON value that may be null.

    Says ``nullable=True`` outright: with ``Mapped[Any]`` SQLAlchemy would infer
    NOT NULL, which the migrations (and the data) do not have.
    """
    return orm.mapped_column(JsonEncoded, nullable=True)


def _project_column() -> orm.Mapped[str]:
    return orm.mapped_column(sa.String(80), nullable=False)


def _scope_column() -> orm.Mapped[str]:
    return orm.mapped_column(sa.String(80), nullable=False, default='private')


class _Definition:
    """Columns every uploaded definition has: workbooks, workflows, actions.

    Unique by name within a namespace and a project; ``spec`` is the parsed form of
    ``definition``.
    """

    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    namespace: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False,
                                                   default='')
    definition: orm.Mapped[str | None] = orm.mapped_column(LongText)
    spec: orm.Mapped[Any] = _json_column()
    tags: orm.Mapped[Any] = _json_column()
    scope: orm.Mapped[str] = _scope_column()
    project_id: orm.Mapped[str] = _project_column()


class Workbook(_Definition, Base):
    __tablename__ = 'workbooks'
    __table_args__ = (
        sa.UniqueConstraint('name', 'namespace', 'project_id',
                            name='uq_workbooks_name_namespace_project'),
    )


class WorkflowDefinition(_Definition, Base):
    __tablename__ = 'workflow_definitions'
    __table_args__ = (
        sa.UniqueConstraint('name', 'namespace', 'project_id',
                            name='uq_workflow_definitions_name_namespace_project'),
        sa.Index('ix_workflow_definitions_project_created', 'project_id',
                 'created_at'),
    )

    input: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    is_system: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, nullable=False,
                                                    default=False)
    workbook_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))


class ActionDefinition(_Definition, Base):
    __tablename__ = 'action_definitions'
    __table_args__ = (
        sa.UniqueConstraint('name', 'namespace', 'project_id',
                            name='uq_action_definitions_name_namespace_project'),
    )

    description: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    input: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    is_system: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, nullable=False,
                                                    default=False)
    action_class: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    workbook_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))


class Environment(Base):
    __tablename__ = 'environments'
    __table_args__ = (
        sa.UniqueConstraint('name', 'project_id',
                            name='uq_environments_name_project'),
    )

    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    description: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    variables: orm.Mapped[Any] = _json_column()
    scope: orm.Mapped[str] = _scope_column()
    project_id: orm.Mapped[str] = _project_column()


class EventTrigger(Base):
    """Starts a workflow when a notification of type ``event`` arrives.

    It listens on (``exchange``, ``topic``); a project has one per workflow and
    event there.
    """

    __tablename__ = 'event_triggers'
    __table_args__ = (
        sa.UniqueConstraint('exchange', 'topic', 'event', 'workflow_id', 'project_id',
                            name='uq_event_triggers_exchange_topic_event_workflow'),
    )

    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    workflow_id: orm.Mapped[str] = orm.mapped_column(sa.String(36), nullable=False)
    workflow_input: orm.Mapped[Any] = _json_column()
    workflow_params: orm.Mapped[Any] = _json_column()
    exchange: orm.Mapped[str] = orm.mapped_column(sa.String(80), nullable=False)
    topic: orm.Mapped[str] = orm.mapped_column(sa.String(80), nullable=False)
    event: orm.Mapped[str] = orm.mapped_column(sa.String(80), nullable=False)
    trust_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(80))
    scope: orm.Mapped[str] = _scope_column()
    project_id: orm.Mapped[str] = _project_column()


class CronTrigger(Base):
    """Starts a workflow at the times ``pattern`` gives, or once at a set time.

    ``next_execution_time`` is the due time not yet fired; the scheduled job that
    fires it is keyed by it (see ``wfplatform.triggers.cron``).
    ``remaining_executions`` null means no limit. ``user_id`` is the creator's:
    firings run as the creator's project and user.
    """

    __tablename__ = 'cron_triggers'
    __table_args__ = (
        sa.UniqueConstraint('name', 'project_id', name='uq_cron_triggers_name_project'),
        sa.Index('ix_cron_triggers_workflow', 'workflow_id'),
    )

    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    pattern: orm.Mapped[str | None] = orm.mapped_column(sa.String(100))
    first_execution_time: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        Timestamp)
    next_execution_time: orm.Mapped[datetime.datetime] = orm.mapped_column(
        Timestamp, nullable=False)
    remaining_executions: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)
    workflow_name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    workflow_id: orm.Mapped[str] = orm.mapped_column(sa.String(36), nullable=False)
    workflow_namespace: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), nullable=False, default='')
    workflow_input: orm.Mapped[Any] = _json_column()
    workflow_params: orm.Mapped[Any] = _json_column()
    scope: orm.Mapped[str] = _scope_column()
    project_id: orm.Mapped[str] = _project_column()
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(80))


class WorkflowExecution(Base):
    """One run of a workflow; ``root_execution_id`` is its own id at the top level.

    The root execution's row is the lock every engine operation takes first.
    """

    __tablename__ = 'workflow_executions'
    __table_args__ = (
        sa.Index('ix_workflow_executions_project_created', 'project_id',
                 'created_at'),
        sa.Index('ix_workflow_executions_state', 'state'),
        sa.Index('ix_workflow_executions_root', 'root_execution_id'),
        sa.Index('ix_workflow_executions_task', 'task_execution_id'),
    )

    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    workflow_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(36))
    workflow_namespace: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), nullable=False, default='')
    description: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    tags: orm.Mapped[Any] = _json_column()
    spec: orm.Mapped[Any] = orm.mapped_column(JsonEncoded, nullable=False)
    state: orm.Mapped[str] = orm.mapped_column(sa.String(20), nullable=False)
    state_info: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    input: orm.Mapped[Any] = _json_column()
    output: orm.Mapped[Any] = _json_column()
    params: orm.Mapped[Any] = _json_column()
    context: orm.Mapped[Any] = _json_column()
    runtime_context: orm.Mapped[Any] = _json_column()
    task_execution_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(36))
    root_execution_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(36))
    source_execution_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(36))
    scope: orm.Mapped[str] = _scope_column()
    project_id: orm.Mapped[str] = _project_column()


class TaskExecution(Base):
    """One run of a task. ``unique_key`` makes creation idempotent."""

    __tablename__ = 'task_executions'
    __table_args__ = (
        sa.UniqueConstraint('unique_key', name='uq_task_executions_unique_key'),
        sa.Index('ix_task_executions_workflow_execution', 'workflow_execution_id'),
        sa.Index('ix_task_executions_project_created', 'project_id', 'created_at'),
        sa.Index('ix_task_executions_state', 'state'),
    )

    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    unique_key: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    type: orm.Mapped[str] = orm.mapped_column(sa.String(10), nullable=False,
                                              default='ACTION')
    workflow_execution_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(36), sa.ForeignKey('workflow_executions.id', ondelete='CASCADE'),
        nullable=False)
    root_execution_id: orm.Mapped[str] = orm.mapped_column(sa.String(36),
                                                           nullable=False)
    workflow_name: orm.Mapped[str] = orm.mapped_column(sa.String(255),
                                                       nullable=False)
    workflow_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(36))
    workflow_namespace: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), nullable=False, default='')
    tags: orm.Mapped[Any] = _json_column()
    state: orm.Mapped[str] = orm.mapped_column(sa.String(20), nullable=False)
    state_info: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    in_context: orm.Mapped[Any] = _json_column()
    result: orm.Mapped[Any] = _json_column()
    published: orm.Mapped[Any] = _json_column()
    runtime_context: orm.Mapped[Any] = _json_column()
    processed: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, nullable=False,
                                                    default=False)
    started_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        Timestamp)
    finished_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        Timestamp)
    project_id: orm.Mapped[str] = _project_column()


class ActionExecution(Base):
    """One run of an action, for a task or alone (``task_execution_id`` null)."""

    __tablename__ = 'action_executions'
    __table_args__ = (
        sa.Index('ix_action_executions_task_execution', 'task_execution_id'),
        sa.Index('ix_action_executions_project_created', 'project_id',
                 'created_at'),
        sa.Index('ix_action_executions_state', 'state'),
    )

    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    task_execution_id: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36), sa.ForeignKey('task_executions.id', ondelete='CASCADE'))
    root_execution_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(36))
    workflow_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    workflow_namespace: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), nullable=False, default='')
    description: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    tags: orm.Mapped[Any] = _json_column()
    state: orm.Mapped[str] = orm.mapped_column(sa.String(20), nullable=False)
    state_info: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    accepted: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, nullable=False,
                                                   default=False)
    is_sync: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, nullable=False,
                                                  default=True)
    input: orm.Mapped[Any] = _json_column()
    output: orm.Mapped[Any] = _json_column()
    runtime_context: orm.Mapped[Any] = _json_column()
    executor_host: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    project_id: orm.Mapped[str] = _project_column()


class ScheduledJob(Base):
    """A job to run at ``run_after``, named by a registered job type."""

    __tablename__ = 'scheduled_jobs'
    __table_args__ = (
        sa.UniqueConstraint('key', name='uq_scheduled_jobs_key'),
        sa.Index('ix_scheduled_jobs_run_after', 'run_after'),
    )

    job_type: orm.Mapped[str] = orm.mapped_column(sa.String(80), nullable=False)
    key: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    payload: orm.Mapped[Any] = _json_column()
    run_after: orm.Mapped[datetime.datetime] = orm.mapped_column(Timestamp,
                                                                 nullable=False)
    claimed_by: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    claimed_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        Timestamp)


class OutboxMessage(Base):
    """An RPC message written in the same transaction as the state it reports.

    It is deleted once the broker has accepted it; a sweep re-sends old rows.
    """

    __tablename__ = 'outbox'
    __table_args__ = (
        sa.Index('ix_outbox_created', 'created_at'),
    )

    topic: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    server: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    method: orm.Mapped[str] = orm.mapped_column(sa.String(80), nullable=False)
    payload: orm.Mapped[Any] = orm.mapped_column(JsonEncoded, nullable=False)
    attempts: orm.Mapped[int] = orm.mapped_column(sa.Integer, nullable=False,
                                                  default=0)
    sent_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(Timestamp)


class AlarmTrigger(Base):
    """Starts a workflow when Aodh posts an alarm state change to its URL.

    ``secret_digest`` is the SHA-256 of the secret in the URL (the secret itself
    is shown once, at creation); ``states`` null means every state;
    ``alarm_input`` names the workflow input that receives the alarm body.
    """

    __tablename__ = 'alarm_triggers'
    __table_args__ = (
        sa.UniqueConstraint('name', 'project_id',
                            name='uq_alarm_triggers_name_project'),
        sa.Index('ix_alarm_triggers_workflow', 'workflow_id'),
    )

    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    workflow_name: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    workflow_id: orm.Mapped[str] = orm.mapped_column(sa.String(36), nullable=False)
    workflow_namespace: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), nullable=False, default='')
    workflow_input: orm.Mapped[Any] = _json_column()
    workflow_params: orm.Mapped[Any] = _json_column()
    alarm_input: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False,
                                                     default='alarm')
    states: orm.Mapped[Any] = _json_column()
    secret_digest: orm.Mapped[str] = orm.mapped_column(sa.String(64), nullable=False)
    scope: orm.Mapped[str] = _scope_column()
    project_id: orm.Mapped[str] = _project_column()
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(80))


def to_dict(row: Base) -> dict[str, Any]:
    """A model row as a plain dictionary of its columns."""
    return {column.key: getattr(row, column.key)
            for column in sa.inspect(row).mapper.column_attrs}
