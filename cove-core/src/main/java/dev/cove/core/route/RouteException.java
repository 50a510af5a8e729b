package dev.cove.core.route;

import dev.cove.core.CoveException;

/** A router cannot be trained or loaded: bad training data, a stale, corrupt or foreign classifier file. */
public class RouteException extends CoveException {
    public RouteException(String message) {
        super(message);
    }
}
