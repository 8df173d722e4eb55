package com.mallquest.core.platform.config;

/** A configuration problem found at init: the message names the environment variable. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
