/** A failure that makes a step NO-GO: its message is the one line the report shows. */
class NoGoError extends Error {
    decisionPoint;
    constructor(message, decisionPoint = 'A') {
        super(message);
        this.decisionPoint = decisionPoint;
        this.name = 'NoGoError';
    }
}

export { NoGoError as N };
