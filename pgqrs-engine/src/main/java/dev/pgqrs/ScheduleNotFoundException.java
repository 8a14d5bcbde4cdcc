package dev.pgqrs;

/** No schedule of that name exists in this store. */
public class ScheduleNotFoundException extends PgqrsException {

    private final String scheduleName;

    public ScheduleNotFoundException(String scheduleName) {
        super("schedule not found: '" + Names.display(scheduleName) + "'; create it with store.schedules().create(...)");
        this.scheduleName = scheduleName;
    }

    public String scheduleName() {
        return scheduleName;
    }
}
