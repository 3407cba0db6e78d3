package com.miteos.orchestrator.port.web;

/**
 * A fetched page, reduced to text a model can read.
 *
 * @param url         the URL that answered, after redirects
 * @param status      its HTTP status (always 2xx: other answers are refusals)
 * @param contentType the Content-Type header as the server sent it
 * @param text        readable text: HTML converted, text and JSON as sent
 * @param truncated   whether the body was longer than the byte limit and only its start was read
 */
public record FetchedPage(String url, int status, String contentType, String text, boolean truncated) {
}
