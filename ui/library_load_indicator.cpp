#include "ui/library_load_indicator.h"

namespace abc::ui {

LibraryLoadIndicator::LibraryLoadIndicator(QWidget* parent) : QProgressBar(parent) {
    setObjectName(QStringLiteral("libraryLoadProgress"));
    setAccessibleName(tr("Loading the library"));
    setMaximumWidth(220);
    setFormat(tr("Loading the library: %p%"));
    setToolTip(
        tr("Reading the indexed photos' vectors into memory; the search answers once "
           "they are in"));
    hide();
}

void LibraryLoadIndicator::setLoaded(int done, int total) {
    if (total <= 0 || done >= total) {
        hide();
        return;
    }
    setRange(0, total);
    setValue(done);
    show();
}

}  // namespace abc::ui
