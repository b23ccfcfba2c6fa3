package io.jmux.bench;

/** Settings shared by every benchmark class. */
final class Bench {
    private Bench() {}

    /**
     * JDK 22+ warns on the first JNI library load or FFM downcall unless native access is
     * enabled; JDK 17 accepts the flag too. Every fork gets it.
     */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
}
