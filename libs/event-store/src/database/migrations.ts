import { EventStore1764100000000 } from '../../../../migrations/1764100000000-event-store';
import { ApplicationsReadModel1764100000001 } from '../../../../migrations/1764100000001-applications-read-model';
import { Notifications1764100000002 } from '../../../../migrations/1764100000002-notifications';
import { Registries1764100000003 } from '../../../../migrations/1764100000003-registries';
import { Projects1764100000004 } from '../../../../migrations/1764100000004-projects';
import { AuditSummaries1764100000005 } from '../../../../migrations/1764100000005-audit-summaries';
import { EventSummaryFunction1764100000006 } from '../../../../migrations/1764100000006-event-summary-function';
import { SnapshotsAndEventSummaries1764100000007 } from '../../../../migrations/1764100000007-snapshots-and-event-summaries';
import { NotificationSecretBindings1764200000001 } from '../../../../migrations/1764200000001-notification-secret-bindings';
import { NotifierAppState1764200000002 } from '../../../../migrations/1764200000002-notifier-app-state';
import { NotificationDeliveryUnconfirmed1764300000101 } from '../../../../migrations/1764300000101-notification-delivery-unconfirmed';
import { Accounts1764400000201 } from '../../../../migrations/1764400000201-accounts';
import { ClusterProject1764400022001 } from '../../../../migrations/1764400022001-cluster-project';
import { ApplicationSets1764500000301 } from '../../../../migrations/1764500000301-applicationsets';

/** Every migration, in order. TypeORM runs the ones the `migrations` table does not list yet. */
export const MIGRATIONS = [
  EventStore1764100000000,
  ApplicationsReadModel1764100000001,
  Notifications1764100000002,
  Registries1764100000003,
  Projects1764100000004,
  AuditSummaries1764100000005,
  EventSummaryFunction1764100000006,
  SnapshotsAndEventSummaries1764100000007,
  NotificationSecretBindings1764200000001,
  NotifierAppState1764200000002,
  NotificationDeliveryUnconfirmed1764300000101,
  Accounts1764400000201,
  ClusterProject1764400022001,
  ApplicationSets1764500000301,
];
