package com.miteos.model.id;

import com.github.f4b6a3.ulid.Ulid;
import com.github.f4b6a3.ulid.UlidCreator;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Creates and checks prefixed ULID identifiers.
 *
 * <p>ULIDs sort by creation time, so ids double as a stable tie-breaker for "newest first"
 * listings. Monotonic generation keeps that order within one millisecond too.
 */
public final class Ids {

    /** Crockford base32 as ULIDs use it, lowercase: no i, l, o or u. */
    private static final Pattern ULID = Pattern.compile("[0-9a-hjkmnp-tv-z]{26}");

    private Ids() {
    }

    public static String newId(IdPrefix prefix) {
        return prefix.prefix() + "_" + UlidCreator.getMonotonicUlid().toString().toLowerCase(Locale.ROOT);
    }

    /**
     * An id that comes out the same every time it is made from the same parts: for objects a
     * restarted worker may create again (a file written before a crash is written again under
     * the same id, so nothing downstream counts it twice). Its time part is the parent's, so it
     * still sorts with the parent.
     */
    public static String derivedId(IdPrefix prefix, String parentId, String... parts) {
        String parentUlid = parentId.substring(parentId.indexOf('_') + 1);
        long time = Ulid.isValid(parentUlid) ? Ulid.getTime(parentUlid) : 0L;
        String ulid = UlidCreator.getHashUlid(time, parentId + "\u0000" + String.join("\u0000", parts)).toString();
        return prefix.prefix() + "_" + ulid.toLowerCase(Locale.ROOT);
    }

    /** Whether {@code id} is a well-formed id of the given kind. */
    public static boolean isValid(IdPrefix prefix, String id) {
        if (id == null) {
            return false;
        }
        String head = prefix.prefix() + "_";
        return id.length() == head.length() + 26
                && id.startsWith(head)
                && ULID.matcher(id).region(head.length(), id.length()).matches();
    }
}
