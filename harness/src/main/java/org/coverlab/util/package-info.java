/**
 * Small helpers every pipeline package may use and that depend on no other coverlab package: crash-safe file writes
 * ({@link org.coverlab.util.AtomicFiles}) and SHA-256 hex ({@link org.coverlab.util.Sha256}).
 */
package org.coverlab.util;
