/** The entry lifecycle: the xstate machine (single definition) and the transition table derived from it. */
export { entryMachine, type EntryEvent, type EntryContext, type EntryMachine } from "./entry-machine.js"
export {
  ENTRY_TABLE,
  EVENT_COUNT,
  EVENT_SAMPLES,
  Ev,
  NO_TRANSITION,
  St,
  deriveTransitionTable,
  nextState,
  tierOf,
  transitionOf,
  type EventName,
  type TransitionTable,
} from "./transition-table.js"
