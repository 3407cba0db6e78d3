package com.miteos.gateway.domain;

import com.miteos.model.task.Mode;

/** Who is calling the public API: an account, in the mode of the key it used. */
public record Caller(String accountId, Mode mode, String keyId) {
}
