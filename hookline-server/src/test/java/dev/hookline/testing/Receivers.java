package dev.hookline.testing;

import java.util.ArrayList;
import java.util.List;

/** Every receiver a test started, closed together when it ends. */
public final class Receivers implements AutoCloseable {
    private final List<Receiver> started = new ArrayList<>();

    public Receiver start() {
        Receiver r = new Receiver();
        started.add(r);
        return r;
    }

    @Override
    public void close() {
        started.forEach(Receiver::close);
    }
}
