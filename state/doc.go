// Package state is the domain of mdlr, shared by the CLI and the console:
//
//   - plans: composing, ordering and validating live response command lists
//     (Plan.Validate, Plan.Ordered, Plan.Request) before anything is sent;
//   - tracking: mapping machine actions to plain-words views (View, ViewFor);
//   - the journal: one atomic, private JSON file per intent under the state
//     directory, written before submission, so any front end can reattach
//     (OpenJournal, Journal.Unfinished);
//   - the engine: submit, poll (batched, adaptive, within the API budget),
//     fetch results once into safe local names, cancel and reattach
//     (NewEngine, Engine.Poll).
//
// A front end submits with Engine.Submit, then calls Engine.Poll every
// PollResult.Next until the action's view is Done. Nothing here imports a UI
// package; package statetest provides a fake api.Service for tests.
package state
