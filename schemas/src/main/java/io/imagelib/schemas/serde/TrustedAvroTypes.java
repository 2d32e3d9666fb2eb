package io.imagelib.schemas.serde;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes it does not trust (a guard against gadget classes named in a
 * writer schema). Our generated contracts live in {@code io.imagelib.avro}; trust exactly that package.
 */
final class TrustedAvroTypes {

    static final String PACKAGE_PREFIX = "io.imagelib.avro.";
    private static final AtomicBoolean installed = new AtomicBoolean();

    private TrustedAvroTypes() {
    }

    static void install() {
        if (installed.compareAndSet(false, true)) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                    ClassSecurityValidator.getGlobal(),
                    type -> type.getName().startsWith(PACKAGE_PREFIX)));
        }
    }
}
