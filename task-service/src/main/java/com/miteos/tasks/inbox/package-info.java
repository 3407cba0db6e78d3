/**
 * The inbox: how this service receives an event exactly once. {@link Inbox} records the event
 * id in {@code processed_events} first, in the same transaction as the projection, and skips the
 * projection when the id is already there (insert-first, never check-then-insert); it retries a
 * failed delivery until it commits, except data the database refuses, which goes to the
 * dead-letter topic. {@link ProcessedEventsPruner} forgets ids older than the retention
 * ({@link ProcessedEventsConfig}).
 *
 * <p>task-service and deliverable-service each have this package, with the same class names,
 * the same code and the same tests ({@code InboxTest}, {@code ProcessedEventsPrunerTest}): only
 * the package name differs. It is deliberately not shared through common-model: it is Quarkus
 * runtime code (CDI beans, the reactive PostgreSQL pool, a startup timer, a
 * {@code @ConfigMapping}), and common-model brings no runtime dependency into a service (its one
 * CDI bean, the Kafka commit strategy, compiles against the SmallRye the services already have).
 * A shared inbox would also couple the two services' releases and schemas, which are independent.
 * A change here is made in both copies; diffing the two packages must show only the package names.
 *
 * <p>The pruner may forget ids only because every projection of the service is idempotent on
 * its own; the projection classes say why theirs is.
 */
package com.miteos.tasks.inbox;
