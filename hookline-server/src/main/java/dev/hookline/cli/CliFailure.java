package dev.hookline.cli;

/** What ends a command with a message instead of a stack trace; the exit code says which kind. */
sealed class CliFailure extends RuntimeException permits CliFailure.Usage, CliFailure.Api {
    CliFailure(String message) {
        super(message);
    }

    int exitCode() {
        return 1;
    }

    /** The command line was wrong: exit 2, like picocli's own usage errors. */
    static final class Usage extends CliFailure {
        Usage(String message) {
            super(message);
        }

        @Override
        int exitCode() {
            return 2;
        }
    }

    /** The server answered with an error (or could not be reached): exit 1. */
    static final class Api extends CliFailure {
        final int status;
        final String code;

        Api(int status, String code, String message) {
            super(status == 0 ? message : status + " " + code + ": " + message);
            this.status = status;
            this.code = code;
        }
    }
}
