package org.coverlab.model.nn;

import ai.djl.ndarray.types.Shape;

/** A dotted name prefix ("down_blocks.0.resnets.1") under which a module declares its parameters. */
public record Scope(ParamStore store, String prefix) {

    public Scope child(String name) {
        return new Scope(store, prefix.isEmpty() ? name : prefix + "." + name);
    }

    public Scope child(int index) {
        return child(Integer.toString(index));
    }

    public Param param(String name, Shape shape, Init init) {
        return store.declare(child(name).prefix(), shape, init);
    }
}
