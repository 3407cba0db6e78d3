package com.miteos.orchestrator.domain.run;

/** The answer to a file reservation: the name to store under, or why there is no room. */
public record FileReservation(String name, String refusal) {

    static FileReservation granted(String name) {
        return new FileReservation(name, null);
    }

    static FileReservation refused(String refusal) {
        return new FileReservation(null, refusal);
    }

    public boolean granted() {
        return refusal == null;
    }
}
