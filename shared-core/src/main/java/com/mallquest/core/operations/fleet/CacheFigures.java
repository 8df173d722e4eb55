package com.mallquest.core.operations.fleet;

/**
 * Cache lookups made by request code over one window, across the fleet.
 *
 * @param hits     lookups that found a value
 * @param misses   lookups that found nothing
 * @param hitRatio {@code hits / (hits + misses)}, null without lookups
 */
public record CacheFigures(long hits, long misses, Double hitRatio) {
}
