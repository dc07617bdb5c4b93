// The Element Plus components the portal uses, registered by name: only these are bundled (the library's full CSS is
// loaded once in main.js).
import {
  ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElCollapse, ElCollapseItem, ElConfigProvider, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDivider, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElInput, ElInputNumber, ElLink,
  ElOption, ElPagination, ElProgress, ElRadio, ElRadioButton, ElRadioGroup, ElRow, ElSelect, ElStep, ElSteps, ElSwitch, ElTable,
  ElTableColumn, ElTabPane, ElTabs, ElTag, ElTooltip, ElLoading,
} from "element-plus";

const components = [
  ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElCollapse, ElCollapseItem, ElConfigProvider, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDivider, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElInput, ElInputNumber, ElLink,
  ElOption, ElPagination, ElProgress, ElRadio, ElRadioButton, ElRadioGroup, ElRow, ElSelect, ElStep, ElSteps, ElSwitch, ElTable,
  ElTableColumn, ElTabPane, ElTabs, ElTag, ElTooltip,
];

export default {
  install(app) {
    for (const c of components) app.component(c.name, c);
    app.use(ElLoading);
  },
};
