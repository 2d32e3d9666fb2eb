package io.imagelib.systemtests;

import java.nio.file.Path;
import java.util.List;

/** What the client-in-the-loop tests do with a real OpenStack image CLI, whichever it is. */
public interface ImageCli {

    /** Creates an image and uploads {@code file} into it. */
    GlanceCli.Run create(String name, Path file);

    /** The new image's id, read from a successful {@link #create}. */
    String createdId(GlanceCli.Run created);

    /** Downloads the image's data into {@code out}. */
    GlanceCli.Run save(String imageId, Path out);

    GlanceCli.Run list();

    /** Every command run so far, in order. */
    List<GlanceCli.Run> runs();
}
