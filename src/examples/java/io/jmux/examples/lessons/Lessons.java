package io.jmux.examples.lessons;

import java.util.List;

/** Every lesson, in the order the tutorial takes them. */
public final class Lessons {
    public static final List<Lesson> ALL = List.of(
            new Eagain(), new LtVsEt(), new Oneshot(), new FdSetsize(), new ScanCost(),
            new ThunderingHerd(), new Emfile(), new Myths(), new Sigio(), new IoUringLesson(),
            new ReactorVsProactor());

    private Lessons() {}

    /** The lesson with this name, or null. */
    public static Lesson find(String name) {
        for (Lesson l : ALL) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }
}
