import type { Aggregate } from '../events/aggregate';
import { applicationStreamId } from '../events/application.events';
import { evolveApplication, type RecordedApplicationEvent } from './application.evolve';
import { initialApplicationState, type ApplicationState } from './application.state';

const PREFIX = applicationStreamId('');

/** The Application aggregate: one stream per app (`application-<name>`), folded by `evolveApplication`. */
export const applicationAggregate: Aggregate<ApplicationState> = {
  name: 'application',
  streamPrefix: PREFIX,
  stateVersion: 1,
  initial: (streamId) => initialApplicationState(streamId.slice(PREFIX.length)),
  evolve: (state, event) => evolveApplication(state, event as unknown as RecordedApplicationEvent),
};
