package com.mallquest.core.spending;

import com.mallquest.core.domain.DomainException;
import com.mallquest.core.http.ApiException;

/** The stable code of a ledger refusal, whichever exception type the ledger uses for it (it is moving to DomainException). */
final class LedgerRefusals {
    private LedgerRefusals() { }

    static String code(RuntimeException e) {
        if (e instanceof DomainException d) {
            return d.code();
        }
        if (e instanceof ApiException a) {
            return a.code();
        }
        return null;
    }
}
