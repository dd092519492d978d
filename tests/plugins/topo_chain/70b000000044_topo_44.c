/* 70b000000044_topo_44.c - revision 44 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000044", "70b000000043", "topo 44");
TOPO_BODY(44)
