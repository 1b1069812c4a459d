// Deliberately wrong: passes a virtual page number where a physical one is
// expected. tests/unit/test_ch4_units.sh checks that this file does NOT
// compile against out/ch4/kernel/addr.h, with exactly one error, on the
// marked line; and that it compiles with -DMIX_FIXED, so the mix itself is
// the only fault.
#include "addr.h"

pa_t frame_address(vpn_t page);

pa_t frame_address(vpn_t page)
{
#ifdef MIX_FIXED
    return ppn_to_pa(ppn(page.v)); // an explicit, visible conversion
#else
    return ppn_to_pa(page); // MIX: incompatible type for argument 1
#endif
}
