package com.miteos.tasks.repository;

import com.miteos.model.task.Mode;

/** Whose tasks a query may see: one account, in one mode. */
public record Owner(String accountId, Mode mode) {
}
