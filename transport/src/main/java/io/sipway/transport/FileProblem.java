package io.sipway.transport;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file could not be read, said as a start-up message says it: the JDK's exceptions for a
 * missing file or a refused one carry only the path ("cannot read /etc/tls.cfg: /etc/tls.cfg").
 */
public final class FileProblem {
    private FileProblem() {
    }

    /** {@code file not found}, {@code permission denied}, {@code is a directory}, {@code not a text file}... */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
            return "file not found";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not a text file";
        }
        String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (why == null || why.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return Character.toLowerCase(why.charAt(0)) + why.substring(1);
    }
}
