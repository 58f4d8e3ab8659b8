/**
 * What a person asks of a flow through the Kubernetes API, written once for every client that asks it
 * (the {@code jobflow} CLI, the web view's actions): the lifecycle changes, when a flow's state allows
 * each, and the patch that makes it.
 */
package dev.jobflow.client;
